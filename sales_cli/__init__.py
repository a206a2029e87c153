"""The `salesagent` command: starts and inspects the system. It sits above every other package."""
