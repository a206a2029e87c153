"""Stateless building blocks: each takes the vars and events it shows, and knows no state class."""
