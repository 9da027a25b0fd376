-- SOP-22 Discharged but graduated: group is Discharged and (graduated_formally or
-- therapy_attended >= 12).
-- Settings: vars.sop_rules.sop_22__discharged_but_graduated in dbt_project.yml.

{%- set group = rule_setting('group') %}
{%- set expected_group = rule_setting('expected_group') %}
{%- set graduating_sessions = rule_setting('graduating_sessions') %}

with

facts as (

    select * from {{ ref('int_customer_facts') }}

),

hits as (

    select
        customer_id,
        {{ text_literal(group) }} as group_name,
        {{ text_literal(expected_group) }} as expected_group,
        'Discharged, '
        || case
            when graduated_formally then 'formal graduation recorded'
            else {{ txt('therapy_attended') }} || ' therapy sessions attended'
        end as detail
    from facts
    where {{ group_column(group) }}
        and (graduated_formally or therapy_attended >= {{ graduating_sessions }})

)

select * from hits
