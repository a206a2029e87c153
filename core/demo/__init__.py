"""The bundled demo: the company ICP, the demo companies (the offline lead source) and the demo seed."""
