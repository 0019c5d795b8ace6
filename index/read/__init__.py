"""Reading inputs into articles: files and folders, feeds and pages, and the sources file that lists them."""
