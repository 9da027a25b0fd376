-- SOP-01 No Group must be empty: group is No Group.
-- Settings: vars.sop_rules.sop_01__no_group_must_be_empty in dbt_project.yml.

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
        'in No Group: no group allocated' as detail
    from facts
    where {{ group_column(group) }}

)

select * from hits
