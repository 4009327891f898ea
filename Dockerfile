# syntax=docker/dockerfile:1
# One image for every command: `order-api` (the default), `order-processor`, `provision`.
#
#   docker build -t ouro .
#   docker run --rm --env-file .env ouro provision
#   docker run --rm --env-file .env -p 3000:3000 ouro                  # order-api
#   docker run --rm --env-file .env ouro order-processor
#
# What /app holds is described once, in scripts/image-layout.ts: this file runs it, and
# scripts/image-layout.e2e.spec.ts runs it into a temp dir and starts the apps from there.
ARG NODE_VERSION=20.20.2

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /src
# pnpm at the version package.json pins (its packageManager field), without corepack's download.
COPY package.json ./
RUN npm install -g --no-audit --no-fund "pnpm@$(node -p "require('./package.json').packageManager.split('@')[1]")"
# Dependencies first, from the lockfile alone, so a source change reuses this layer.
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
RUN pnpm fetch --frozen-lockfile
COPY . .
RUN pnpm install --offline --frozen-lockfile \
  && node --import tsx scripts/image-layout.ts /out

FROM node:${NODE_VERSION}-bookworm-slim
# tini is PID 1: it forwards SIGTERM to the app (whose graceful shutdown depends on it) and reaps zombies.
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini \
  && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    NODE_OPTIONS="--enable-source-maps --max-old-space-size=128" \
    API_HOST=0.0.0.0 \
    PROCESSOR_HTTP_HOST=0.0.0.0 \
    PATH=/app/bin:$PATH
WORKDIR /app
# Owned by root and not writable by the user the apps run as.
COPY --from=build /out /app
USER node
EXPOSE 3000 9464
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["order-api"]
