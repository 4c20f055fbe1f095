# One image for every role: `api`, `worker` (or the all-in-one launcher).
FROM node:20-bookworm-slim
# bubblewrap: every run is sandboxed (README "Run sandbox"); the worker refuses to start without it.
RUN apt-get update && apt-get install -y --no-install-recommends ansible-core git openssh-client ca-certificates bubblewrap util-linux \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev
# Workers keep run workspaces and git mirrors in RUNNER_DATA_DIR (./data); the api runs as `node`.
# A worker runs as root (docker-compose.yml) so that each account's runs get a uid of their own.
RUN mkdir -p /app/data && chown node:node /app/data
ENV NODE_ENV=production
USER node
CMD ["node", "dist/apps/api/src/main.js"]
