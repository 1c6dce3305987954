def handler(event):
    return {"result": None}
