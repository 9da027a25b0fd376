-- SOP-02 Hybrid must be empty: group is Hybrid.
-- Settings: vars.sop_rules.sop_02__hybrid_must_be_empty in dbt_project.yml.

{%- set group = rule_setting('group') %}

with

facts as (

    select * from {{ ref('int_customer_facts') }}

),

hits as (

    select
        customer_id,
        {{ text_literal(group) }} as group_name,
        cast(null as {{ dbt.type_string() }}) as expected_group,
        'in Hybrid, a group that must be empty' as detail
    from facts
    where {{ group_column(group) }}

)

select * from hits
