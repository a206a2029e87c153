"""The clock and the hands: jobs, schedules, the sequence state machine, outbound dispatch."""
