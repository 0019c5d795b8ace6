"""The wiring: settings, and the service that runs the index and the answers for a front end."""
