def handler(event): return {}
