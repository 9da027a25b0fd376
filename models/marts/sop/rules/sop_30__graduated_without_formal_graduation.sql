-- SOP-30 Graduated needs a formal graduation: group is Graduated and not graduated_formally
-- and not (group_programme_finished and group_attended > 2).
-- Settings: vars.sop_rules.sop_30__graduated_without_formal_graduation in dbt_project.yml.

{%- set group = rule_setting('group') %}
{%- set max_group_sessions_to_discharge = rule_setting('max_group_sessions_to_discharge') %}

with

facts as (

    select * from {{ ref('int_customer_facts') }}

),

hits as (

    select
        customer_id,
        {{ text_literal(group) }} as group_name,
        cast(null as {{ dbt.type_string() }}) as expected_group,
        'Graduated, no formal graduation; '
        || {{ txt('therapy_attended') }}
        || ' therapy sessions; '
        || case
            when group_start_date is null then 'no group programme'
            else 'group programme started '
                || {{ txt('group_start_date') }}
                || ', '
                || {{ txt('group_attended') }}
                || ' group sessions attended'
        end as detail
    from facts
    where {{ group_column(group) }}
        and not graduated_formally
        and not (group_programme_finished and group_attended > {{ max_group_sessions_to_discharge }})

)

select * from hits
