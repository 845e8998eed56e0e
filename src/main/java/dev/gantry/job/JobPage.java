package dev.gantry.job;

import java.util.List;

/** One page of a job listing; {@code nextPageToken} is null on the last page. */
public record JobPage(List<Job> jobs, String nextPageToken) {}
