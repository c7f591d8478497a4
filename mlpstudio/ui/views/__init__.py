"""The views: widgets that show the session and turn user gestures into commands."""
