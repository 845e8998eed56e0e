package dev.gantry.security;

import dev.gantry.job.FieldError;
import dev.gantry.job.InvalidRequestException;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

@Service
class ProjectService {

    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    private final ProjectRepository projects;
    private final Clock clock;

    ProjectService(ProjectRepository projects, ObjectProvider<Clock> clock) {
        this.projects = projects;
        this.clock = clock.getIfAvailable(Clock::systemUTC);
    }

    record ProjectView(UUID id, String name, java.time.Instant createdAt) {

        static ProjectView of(Project p) {
            return new ProjectView(p.id(), p.name(), p.createdAt());
        }
    }

    @Transactional
    ProjectView create(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new InvalidRequestException(List.of(new FieldError(
                    "name",
                    "must be 1-100 characters of letters, digits, '.', '_' and '-', starting with a letter or digit")));
        }
        if (projects.existsByName(name)) {
            throw new ProjectConflictException("A project named '" + name + "' exists");
        }
        return ProjectView.of(projects.saveAndFlush(new Project(UUID.randomUUID(), name, clock.instant())));
    }

    @Transactional(readOnly = true)
    List<ProjectView> list() {
        return projects.findAllByOrderByCreatedAtAscIdAsc().stream()
                .map(ProjectView::of)
                .toList();
    }

    @Transactional(readOnly = true)
    ProjectView get(UUID id) {
        return projects.findById(id).map(ProjectView::of).orElseThrow(() -> new ProjectNotFoundException(id));
    }
}
