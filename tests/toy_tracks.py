"""Hand-written talks in four tracks, for the benchmark harness tests."""

#: Track -> the texts of its talks.
TRACKS = {
    "databases": [
        "Postgres indexes and query planning for faster database queries",
        "Scaling a Postgres database: replication, indexes and query plans",
        "Query planning inside the database: how Postgres picks indexes",
        "Database replication and backups with Postgres in production",
    ],
    "kernel": [
        "Linux kernel drivers: writing a driver for new hardware",
        "Debugging kernel drivers and hardware interrupts in Linux",
        "The Linux kernel scheduler and interrupts on modern hardware",
        "Porting Linux kernel drivers to new hardware boards",
    ],
    "web": [
        "Building web applications with JavaScript frameworks and browsers",
        "Browser rendering: how JavaScript and CSS reach the web page",
        "Web accessibility in JavaScript applications for every browser",
        "Fast web pages: JavaScript bundles, CSS and browser caching",
    ],
}
