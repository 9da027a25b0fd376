{#- One test for many columns (one dbt node instead of one per column): fails
    with the rows where any of `columns` is NULL. -#}
{% test columns_not_null(model, columns) %}
    select *
    from {{ model }}
    where {% for c in columns %}{{ c }} is null{% if not loop.last %} or {% endif %}{% endfor %}
{% endtest %}
