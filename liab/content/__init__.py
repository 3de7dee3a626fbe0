"""Content for social video: ideas, the viral score, the text pack and the post schedule."""
