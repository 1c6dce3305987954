def handler(event):
    return {}
