"""The controllers: files, training and teaching commands that change the session."""
