# The app in a container, after Streamlit's guide "Deploy Streamlit using Docker":
#   docker build -t softmax-explorer .
#   docker run -p 8501:8501 softmax-explorer          # then open http://localhost:8501
# One container is one Streamlit process (about one core); for a class, run several behind a load
# balancer with sticky sessions (README, "Serving a class"). Health: /_stcore/health.
FROM python:3.11-slim

WORKDIR /app

# Dependencies first, so that editing the app does not reinstall them. Every one has a wheel:
# no compiler is needed.
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt

# The app: its entry point, the package, the stylesheet of presentation mode and the config
# (.streamlit/config.toml: telemetry off, XSRF protection on, the theme).
COPY app.py ./
COPY explorer/ ./explorer/
COPY assets/presentation.css ./assets/
COPY .streamlit/ ./.streamlit/

# Not root inside the container.
RUN useradd --create-home app
USER app

# No usage statistics, even if the config file is replaced.
ENV STREAMLIT_BROWSER_GATHER_USAGE_STATS=false

EXPOSE 8501

# The guide uses curl, which the slim image lacks; Python asks the same question.
HEALTHCHECK CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://localhost:8501/_stcore/health', timeout=5)"]

ENTRYPOINT ["streamlit", "run", "app.py", "--server.port=8501", "--server.address=0.0.0.0"]
