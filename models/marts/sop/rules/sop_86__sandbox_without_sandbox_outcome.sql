-- SOP-86 Sandbox without a Sandbox-website triage outcome: group is Sandbox and triage_outcome
-- is not `Sandbox website` (or is NULL).
-- Settings: vars.sop_rules.sop_86__sandbox_without_sandbox_outcome in dbt_project.yml.

{%- set group = rule_setting('group') %}
{%- set expected_triage_outcome = rule_setting('expected_triage_outcome') %}

with

facts as (

    select * from {{ ref('int_customer_facts') }}

),

hits as (

    select
        customer_id,
        {{ text_literal(group) }} as group_name,
        cast(null as {{ dbt.type_string() }}) as expected_group,
        case
            when triage_outcome is null then 'no triage outcome recorded'
            else 'latest triage outcome: ' || triage_outcome
        end as detail
    from facts
    where {{ group_column(group) }}
        and coalesce(triage_outcome, '') <> {{ text_literal(expected_triage_outcome) }}

)

select * from hits
