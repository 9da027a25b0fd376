{#-
    One row per value of `partition_by` in `relation`: the `columns` of the row that
    sorts first by `order_by` (expressions, ascending, never NULL, unique within a
    partition so that the row is well defined, e.g. ending with an id).

    Default: row_number() over a window, filtered to the first row. DuckDB: one hash
    aggregate, arg_min_null over the sort key as a row value, instead of sorting every
    row (int_customer_owners at 1M customers, 8.6M candidate rows: 2.0 -> 0.7 s CPU,
    identical rows; docs/notes/perf.md). arg_min_null, not arg_min: arg_min skips
    rows whose value is NULL, the window does not.
-#}
{% macro first_in_group(relation, partition_by, order_by, columns) -%}
    {{ return(adapter.dispatch('first_in_group', 'juvonno_dq')(relation, partition_by, order_by, columns)) }}
{%- endmacro %}

{% macro default__first_in_group(relation, partition_by, order_by, columns) -%}
    select
        {{ partition_by }},
        {{ columns | join(',\n        ') }}
    from (
        select
            {{ partition_by }},
            {{ columns | join(',\n            ') }},
            row_number() over (
                partition by {{ partition_by }}
                order by {{ order_by | join(', ') }}
            ) as group_rank
        from {{ relation }}
    ) as ranked
    where group_rank = 1
{%- endmacro %}

{% macro duckdb__first_in_group(relation, partition_by, order_by, columns) -%}
    select
        {{ partition_by }},
        {%- for column in columns %}
        arg_min_null({{ column }}, ({{ order_by | join(', ') }})) as {{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ relation }}
    group by {{ partition_by }}
{%- endmacro %}
