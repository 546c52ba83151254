"""`hcr-ocr serve`: a web page to draw or drop handwriting on, and a JSON API, over the read path.

    hcr-ocr serve                        # http://127.0.0.1:8000/
    curl --data-binary @note.png http://127.0.0.1:8000/read

`app.create_app()` builds the FastAPI application (the models are loaded once, when it is made); the page,
its script and its style sheet are in `static/` and are served by the app itself. Needs the [serve] extra
(FastAPI, uvicorn); nothing but the CLI imports this package.
"""
