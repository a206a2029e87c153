"""Benchmarks: commands that measure the system and print what they found."""
