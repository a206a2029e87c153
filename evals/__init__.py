"""The exam: golden sets, graders and the runner behind the CI eval gate."""
