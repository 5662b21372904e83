# The agent image: the CLI (REPL, loop, hub) and the toolhost (mcp-servers/toolhost) its sandbox containers
# run, with what a coding sandbox is expected to have (bash, git, python and python3 with pip, venv and pytest,
# node and npm, curl).
# Build: docker compose build, or docker build -t ts-coding-agent .

# --- build: every workspace compiled with the dev dependencies (TypeScript) ---
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc tsconfig.json tsconfig.build.json ./
COPY agent/package.json agent/
COPY mcp-servers/kit/package.json mcp-servers/kit/
COPY mcp-servers/datetime/package.json mcp-servers/datetime/
COPY mcp-servers/python/package.json mcp-servers/python/
COPY mcp-servers/toolhost/package.json mcp-servers/toolhost/
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY agent/tsconfig.build.json agent/
COPY agent/src agent/src
COPY mcp-servers/kit/tsconfig.build.json mcp-servers/kit/
COPY mcp-servers/kit/src mcp-servers/kit/src
COPY mcp-servers/datetime/tsconfig.build.json mcp-servers/datetime/
COPY mcp-servers/datetime/src mcp-servers/datetime/src
COPY mcp-servers/python/tsconfig.build.json mcp-servers/python/
COPY mcp-servers/python/src mcp-servers/python/src
COPY mcp-servers/toolhost/tsconfig.build.json mcp-servers/toolhost/
COPY mcp-servers/toolhost/src mcp-servers/toolhost/src
RUN npm run build

# --- production dependencies of the agent and toolhost workspaces only ---
FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
COPY agent/package.json agent/
COPY mcp-servers/kit/package.json mcp-servers/kit/
COPY mcp-servers/datetime/package.json mcp-servers/datetime/
COPY mcp-servers/python/package.json mcp-servers/python/
COPY mcp-servers/toolhost/package.json mcp-servers/toolhost/
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
      --workspace @ts-coding-agent/agent --workspace @ts-coding-agent/toolhost --include-workspace-root=false \
    && npm cache clean --force

# --- runtime: the agent and the sandbox share this image ---
FROM node:24-bookworm-slim
# The sandbox's toolbox; docker-init (HostConfig.Init) reaps what commands leave behind, so no tini here.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
       bash ca-certificates coreutils curl git procps \
       python3 python3-pip python3-venv python3-pytest python-is-python3 \
    && rm -rf /var/lib/apt/lists/* \
    && printf '%s\n' \
       '# Commands the model runs (bash -l) go first when the sandbox runs out of memory, not the toolhost.' \
       'echo 1000 > /proc/self/oom_score_adj 2>/dev/null || true' \
       > /etc/profile.d/sandbox-oom.sh
# No ENV here: sandbox containers inherit the image's environment, and NODE_ENV=production would make npm
# skip a project's devDependencies. docker-compose.yml gives the agent its settings.
WORKDIR /app
COPY --from=deps /app/node_modules node_modules
COPY package.json ./
COPY agent/package.json agent/
COPY --from=build /app/agent/dist agent/dist
# The toolhost the sandbox containers run (/app/mcp-servers/toolhost/dist/main.js); the agent imports its contract.
COPY mcp-servers/toolhost/package.json mcp-servers/toolhost/
COPY --from=build /app/mcp-servers/toolhost/dist mcp-servers/toolhost/dist
# The agent imports the kit: its named-error base class, and `agent mcp --http` serves through it.
COPY mcp-servers/kit/package.json mcp-servers/kit/
COPY --from=build /app/mcp-servers/kit/dist mcp-servers/kit/dist
COPY skills skills
COPY playbooks playbooks
COPY config/mcp.json config/
# Mount points owned by the image's non-root user (uid 1000), so fresh named volumes inherit that owner.
RUN mkdir -p /data /workspace /dynamic-tools \
    && chown node:node /data /workspace /dynamic-tools
USER node
WORKDIR /workspace
ENTRYPOINT ["node", "/app/agent/dist/main.js"]
