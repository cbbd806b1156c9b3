# The app image for docker-compose: api, worker and simulator run from the same image.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
# tsx runs the TypeScript sources directly; the workflow bundler needs the dev toolchain too.
RUN npm ci --include=dev --no-audit --no-fund
COPY . .
USER node
CMD ["node", "--import", "tsx", "api/main.ts"]
