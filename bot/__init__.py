"""newsqa's front ends: settings, answers with citations, the CLI and the Discord bot."""
