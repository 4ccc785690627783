"""kubectl for the simulated cluster: column specs, printers, describe, commands."""
