# syntax=docker/dockerfile:1
# Build: docker build --build-arg GIT_SHA=$(git rev-parse --short HEAD) -t slices .
# Run:   docker run -e DATABASE_URL=... -e REDIS_URL=... -p 8080:8080 slices   (add "migrate" to apply migrations and exit)

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/Slices.Api/Slices.Api.csproj src/Slices.Api/
RUN dotnet restore src/Slices.Api/Slices.Api.csproj
COPY src/ src/
COPY migrations/ migrations/
RUN dotnet publish src/Slices.Api/Slices.Api.csproj -c Release -o /app --no-restore

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
# curl only for the HEALTHCHECK below; the runtime image has no HTTP client of its own.
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app .
ARG GIT_SHA=unknown
ENV SLICES_RELEASE=$GIT_SHA \
    ASPNETCORE_ENVIRONMENT=Production \
    PORT=8080 \
    DOTNET_gcServer=1
EXPOSE 8080
# The aspnet image's unprivileged "app" user (uid 1654).
USER $APP_UID
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD curl -fsS "http://127.0.0.1:${PORT}/healthz/live" || exit 1
ENTRYPOINT ["dotnet", "Slices.Api.dll"]
