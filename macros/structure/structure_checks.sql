{#-
    The nightly run's form of the column tests (not_null, unique, accepted_values)
    that the YAML files declare: one query for all of them on the relations this
    test refs, instead of one dbt node per column (~130 nodes, tens of ms each).
    The YAML stays the one place the checks are declared. selectors.yml's
    nightly (the runner's selection) runs the structure_* tests and excludes the
    per-column ones; a plain `dbt build` runs both (docs/notes/perf.md).

    One scan per relation (every check a conditional count). A failing row names
    the relation, the column and the check, and counts the offending rows; it never shows a value (the staging relations hold personal
    data).
-#}
{% macro structure_checks() %}
    {%- set checks = [] -%}
    {%- if execute -%}
        {%- set relations = {} -%}
        {%- for unique_id in model.depends_on.nodes -%}
            {%- set node = graph.nodes[unique_id] -%}
            {%- do relations.update({unique_id: ref(node.package_name, node.name)}) -%}
        {%- endfor -%}
        {%- for test in graph.nodes.values() | sort(attribute='unique_id') -%}
            {%- set meta = test.get('test_metadata') or {} -%}
            {%- if test.resource_type == 'test' and meta.get('name') in ('not_null', 'unique', 'accepted_values') and test.attached_node in relations -%}
                {%- do checks.append({
                    'relation': relations[test.attached_node],
                    'relation_name': graph.nodes[test.attached_node].name,
                    'check': meta['name'],
                    'column': meta['kwargs']['column_name'],
                    'values': meta['kwargs'].get('values'),
                    'quote': meta['kwargs'].get('quote', true),
                }) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- set by_relation = {} -%}
    {%- for c in checks -%}
        {%- do by_relation.setdefault(c.relation_name, []).append(c) -%}
    {%- endfor %}

with

{% for relation_name, relation_checks in by_relation | dictsort %}
{#- one scan per relation: every check is a conditional count (portable SQL) -#}
counts_{{ loop.index }} as (

    select
        {%- for c in relation_checks %}
        {% if c.check == 'not_null' -%}
            sum(case when {{ c.column }} is null then 1 else 0 end)
        {%- elif c.check == 'unique' -%}
            {#- rows beyond the first of each repeated value (> 0 exactly when dbt's unique fails) -#}
            count({{ c.column }}) - count(distinct {{ c.column }})
        {%- else -%}
            sum(case when {{ c.column }} not in (
                {%- for v in c['values'] -%}
                    {% if c.quote %}'{{ v }}'{% else %}{{ v }}{% endif %}{% if not loop.last %}, {% endif %}
                {%- endfor -%}
            ) then 1 else 0 end)
        {%- endif %} as check_{{ loop.index }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from {{ relation_checks[0].relation }}

),

{% endfor %}
all_checks as (

    {% for relation_name, relation_checks in by_relation | dictsort %}
        {%- set outer = loop %}
        {%- for c in relation_checks %}
    select
        '{{ relation_name }}' as relation_name,
        '{{ c.column }}' as column_name,
        '{{ c.check }}' as check_name,
        check_{{ loop.index }} as failing_rows
    from counts_{{ outer.index }}
    {% if not (loop.last and outer.last) %}union all{% endif %}
        {%- endfor %}
    {% endfor %}
    {% if not checks %}
    select
        cast(null as {{ dbt.type_string() }}) as relation_name,
        cast(null as {{ dbt.type_string() }}) as column_name,
        cast(null as {{ dbt.type_string() }}) as check_name,
        0 as failing_rows
    {% endif %}

)

select * from all_checks
where failing_rows > 0
{% endmacro %}

