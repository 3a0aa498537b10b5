"""One router per resource: schools, jobs, results (views and downloads), audit, policies."""
