{#
  The payload column is the envelope's data as JSON (DuckDB JSON, PostgreSQL jsonb, BigQuery
  JSON, Snowflake VARIANT). json_text('payload', 'lead.source') reads one field as text, NULL when
  it is missing or JSON null, on each of them.
#}
{% macro json_text(column, path) -%}
  {%- if target.type == 'bigquery' -%}
    JSON_VALUE({{ column }}, '$.{{ path }}')
  {%- elif target.type == 'snowflake' -%}
    {{ column }}:{{ path | replace('.', ':') }}::varchar
  {%- else -%}
    ({{ column }}{% for key in path.split('.') %}{{ "->>" if loop.last else "->" }}'{{ key }}'{% endfor %})
  {%- endif -%}
{%- endmacro %}

{#
  An ISO 8601 text (Z or any offset) as a UTC timestamp without time zone, so that day buckets
  are UTC dates whatever the session's time zone.
#}
{% macro utc_timestamp(expression) -%}
  {%- if target.type == 'bigquery' -%}
    DATETIME(TIMESTAMP({{ expression }}), 'UTC')
  {%- elif target.type == 'snowflake' -%}
    CONVERT_TIMEZONE('UTC', TRY_TO_TIMESTAMP_TZ({{ expression }}))::timestamp_ntz
  {%- else -%}
    (CAST({{ expression }} AS timestamptz) AT TIME ZONE 'UTC')
  {%- endif -%}
{%- endmacro %}
