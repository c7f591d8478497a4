"""Pieces the data plot and the cost plot share: the key beside the data, regions, export."""
