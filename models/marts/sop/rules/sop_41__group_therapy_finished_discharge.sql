-- SOP-41 Finished group therapy, attended 2 or fewer: discharge: group is Group Therapy and
-- group_programme_finished and group_attended <= 2.
-- Settings: vars.sop_rules.sop_41__group_therapy_finished_discharge in dbt_project.yml.

{%- set group = rule_setting('group') %}
{%- set expected_group = rule_setting('expected_group') %}
{%- set max_group_sessions_to_discharge = rule_setting('max_group_sessions_to_discharge') %}

with

facts as (

    select * from {{ ref('int_customer_facts') }}

),

hits as (

    select
        customer_id,
        {{ text_literal(group) }} as group_name,
        {{ text_literal(expected_group) }} as expected_group,
        'group programme started '
        || {{ txt('group_start_date') }}
        || ' (finished), '
        || {{ txt('group_attended') }}
        || ' sessions attended' as detail
    from facts
    where {{ group_column(group) }}
        and group_programme_finished
        and group_attended <= {{ max_group_sessions_to_discharge }}

)

select * from hits
