"""HTTP service for the scheduler: FastAPI app, job runner, persistence, web page."""
