{{/* Names and labels, as `helm create` makes them. */}}
{{- define "ouro.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "ouro.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "ouro.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: {{ include "ouro.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: ouro
{{- end }}

{{/* Selector labels of one component: (dict "root" $ "component" "order-api"). */}}
{{- define "ouro.selectorLabels" -}}
app.kubernetes.io/name: {{ include "ouro.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "ouro.componentLabels" -}}
{{ include "ouro.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "ouro.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end }}

{{/* The Secret holding SCHEMA_REGISTRY_URL, DATABASE_URL and REDIS_URL. */}}
{{- define "ouro.secretName" -}}
{{- .Values.existingSecret | default (include "ouro.fullname" .) }}
{{- end }}

{{- define "ouro.secretKeys" -}}
{{- list "SCHEMA_REGISTRY_URL" "DATABASE_URL" "REDIS_URL" | toJson }}
{{- end }}

{{- define "ouro.secretData" -}}
SCHEMA_REGISTRY_URL: {{ .Values.schemaRegistry.url | quote }}
DATABASE_URL: {{ .Values.postgres.url | quote }}
REDIS_URL: {{ .Values.redis.url | quote }}
{{- end }}

{{/*
The non-secret settings, as the apps read them (packages/config): the ConfigMap's data, and the
provisioning Job's environment (a pre-install hook runs before the ConfigMap exists).
*/}}
{{- define "ouro.config" -}}
KAFKA_BROKERS: {{ join "," .Values.kafka.brokers | quote }}
ORDERS_COMMANDS_TOPIC: {{ .Values.topics.commands | quote }}
ORDERS_EVENTS_TOPIC: {{ .Values.topics.events | quote }}
{{- with .Values.topics.deadLetter }}
ORDERS_DLQ_TOPIC: {{ . | quote }}
{{- end }}
ORDERS_PARTITIONS: {{ .Values.topics.partitions | quote }}
{{- with .Values.kafka.replicationFactor }}
ORDERS_REPLICATION_FACTOR: {{ . | quote }}
{{- end }}
LOG_LEVEL: {{ .Values.logLevel | quote }}
API_HOST: "0.0.0.0"
API_PORT: {{ .Values.endpoints.api.port | quote }}
API_PRODUCE_TIMEOUT_MS: {{ .Values.api.produceTimeoutMs | quote }}
API_MAX_WAIT_MS: {{ .Values.api.maxWaitMs | quote }}
API_REQUEST_LOGGING: {{ .Values.api.requestLogging | quote }}
PROCESSOR_HTTP_HOST: "0.0.0.0"
PROCESSOR_HTTP_PORT: {{ .Values.endpoints.processor.port | quote }}
PROCESSOR_GROUP_ID: {{ .Values.processor.groupId | quote }}
PROCESSOR_TRANSACTIONAL_ID_PREFIX: {{ .Values.processor.transactionalIdPrefix | quote }}
PROCESSOR_MAX_BATCH_SIZE: {{ .Values.processor.maxBatchSize | quote }}
PROCESSOR_PARTITION_GROUPS: {{ .Values.processor.partitionGroups | quote }}
PROCESSOR_TRANSACTION_TIMEOUT_MS: {{ .Values.processor.transactionTimeoutMs | quote }}
PROCESSOR_SESSION_TIMEOUT_MS: {{ .Values.processor.sessionTimeoutMs | quote }}
{{- end }}

{{/* Whole seconds, rounded up, of a duration in milliseconds. */}}
{{- define "ouro.ceilSeconds" -}}
{{- div (add (int .) 999) 1000 }}
{{- end }}

{{/*
How long each app's graceful shutdown may take (main.ts of each app): order-api the produce timeout
+ 5 s, order-processor the transaction timeout + 5 s. The pod's grace period adds a margin, so a pod
is never SIGKILLed while its shutdown is still within its own bound.
*/}}
{{- define "ouro.api.terminationGracePeriodSeconds" -}}
{{- add .Values.api.preStopSleepSeconds (include "ouro.ceilSeconds" .Values.api.produceTimeoutMs) 5 .Values.api.shutdownMarginSeconds }}
{{- end }}

{{- define "ouro.processor.terminationGracePeriodSeconds" -}}
{{- add (include "ouro.ceilSeconds" .Values.processor.transactionTimeoutMs) 5 .Values.processor.shutdownMarginSeconds }}
{{- end }}

{{/* The pod-level parts every Ouro pod shares. */}}
{{- define "ouro.podCommon" -}}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- end }}

{{/* The three URLs from a Secret: (dict "root" $ "secret" "name"). */}}
{{- define "ouro.secretEnv" -}}
{{- range $key := include "ouro.secretKeys" .root | fromJsonArray }}
- name: {{ $key }}
  valueFrom:
    secretKeyRef:
      name: {{ $.secret }}
      key: {{ $key }}
{{- end }}
{{- end }}

{{/* Rolls the pods when the settings change. */}}
{{- define "ouro.configChecksums" -}}
checksum/config: {{ include "ouro.config" . | sha256sum }}
checksum/secret: {{ include "ouro.secretData" . | sha256sum }}
{{- end }}

{{/* An HTTP probe on the app's port: (dict "path" "/ready" "period" 10 "failures" 3). */}}
{{- define "ouro.httpProbe" -}}
httpGet:
  path: {{ .path }}
  port: http
periodSeconds: {{ .period }}
timeoutSeconds: 3
failureThreshold: {{ .failures }}
{{- end }}
