-- One row per (customer, rule) hit: the union of the rule models, with the
-- rule's title, severity, action and catalogue order from the sop_rules seed.
-- The published worklist sorts by rule_order, then customer_id.

with

hits as (

    {%- for rule_id, model in sop_rule_models() %}
    select
        '{{ rule_id }}' as rule_id,
        customer_id,
        group_name,
        expected_group,
        detail
    from {{ ref(model) }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

),

sop_rules as (

    select * from {{ ref('sop_rules') }}

),

facts as (

    select
        customer_id,
        chart_num
    from {{ ref('int_customer_facts') }}

),

final as (

    select
        hits.customer_id,
        facts.chart_num,
        hits.rule_id,
        sop_rules.rule_order,
        sop_rules.title as rule_title,
        sop_rules.severity,
        hits.group_name,
        hits.expected_group,
        hits.detail,
        sop_rules.action,
        {{ as_of_date() }} as as_of_date
    from hits
    inner join facts
        on hits.customer_id = facts.customer_id
    left join sop_rules
        on hits.rule_id = sop_rules.rule_id

)

select * from final
