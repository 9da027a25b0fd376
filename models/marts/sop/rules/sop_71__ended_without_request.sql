-- SOP-71 End of services without a recorded request: group is Pt Requested End of Services
-- and not end_requested.
-- Settings: vars.sop_rules.sop_71__ended_without_request in dbt_project.yml.

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
        'no End of Services Request recorded' as detail
    from facts
    where {{ group_column(group) }}
        and not end_requested

)

select * from hits
