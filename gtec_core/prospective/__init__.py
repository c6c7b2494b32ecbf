"""Forward-looking figures (methods.md §2 and §5), pure Python: the official « Les métiers en 2030 »
projection read and checked (`official`), the accounting of recruitment needs (`accounting`), its
localisation to any territory (`localise`), our departures model from age pyramids (`departures`),
scenarios (`scenarios`), and shock stress tests (`stress`, `staffing`)."""
