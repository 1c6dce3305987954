def handler(event):
    return {"result": event}
