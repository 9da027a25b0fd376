-- SOP-85 Sandbox patient in treatment: group is Sandbox and began_treatment.
-- Settings: vars.sop_rules.sop_85__sandbox_in_treatment in dbt_project.yml.

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
        'Sandbox but treatment began: '
        || {{ txt('therapy_attended') }}
        || ' therapy, '
        || {{ txt('group_attended') }}
        || ' group, '
        || {{ txt('icbt_started') }}
        || ' iCBT module(s)' as detail
    from facts
    where {{ group_column(group) }}
        and began_treatment

)

select * from hits
