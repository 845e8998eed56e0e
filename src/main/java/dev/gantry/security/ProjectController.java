package dev.gantry.security;

import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Projects: the owner creates and lists them; a project's admin may read its own. */
@RestController
@RequestMapping(path = "/api/v1/projects", produces = MediaType.APPLICATION_JSON_VALUE)
class ProjectController {

    private final ProjectService projects;

    ProjectController(ProjectService projects) {
        this.projects = projects;
    }

    record CreateProject(String name) {}

    record ProjectListResponse(List<ProjectService.ProjectView> projects) {}

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    @Access(role = Role.OWNER)
    ResponseEntity<ProjectService.ProjectView> create(@RequestBody CreateProject request) {
        ProjectService.ProjectView created = projects.create(request.name());
        return ResponseEntity.status(HttpStatus.CREATED)
                .location(URI.create("/api/v1/projects/" + created.id()))
                .body(created);
    }

    @GetMapping
    @Access(role = Role.OWNER)
    ProjectListResponse list() {
        return new ProjectListResponse(projects.list());
    }

    @GetMapping("/{projectId}")
    @Access(role = Role.VIEWER, resource = ResourceType.PROJECT)
    ProjectService.ProjectView get(@PathVariable UUID projectId) {
        return projects.get(projectId);
    }
}
