"""The preferences API for client systems (see views.py); routes in preferences/api_urls.py."""
