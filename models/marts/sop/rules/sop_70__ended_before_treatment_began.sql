-- SOP-70 Ended by request before treatment began: group is Pt Requested End of Services and
-- not began_treatment.
-- Settings: vars.sop_rules.sop_70__ended_before_treatment_began in dbt_project.yml.

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
        'end of services but treatment never began' as detail
    from facts
    where {{ group_column(group) }}
        and not began_treatment

)

select * from hits
