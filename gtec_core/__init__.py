"""Pure Python core of GTEC: reading official files, methods and indicators. Never imports Django."""
