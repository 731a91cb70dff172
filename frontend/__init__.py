"""Server-rendered pages; calls the same service functions as the API."""
