{#-
    The monthly invoice: one row per month and service that has activity among
    invoiceable accounts (not test_like, not in an excluded group). No row is
    invented for a month or service without activity. Units are attended
    sessions for the appointment services and iCBT modules started for icbt.
-#}

with

activity as (

    select
        customer_id,
        activity_month,
        as_of_date,
        is_as_of_month,
        therapy_sessions_attended,
        group_sessions_attended,
        assessments_attended,
        triage_calls_attended,
        missed_therapy_sessions,
        missed_group_sessions,
        missed_assessments,
        missed_triage_calls,
        icbt_modules_started,
        has_icbt_activity,
        is_billable,
        has_open_findings
    from {{ ref('fct_customer_monthly_activity') }}
    where
        not is_test_like
        and not is_in_excluded_group

),

service_activity as (

    {#- One branch per service: (service, units, missed sessions, engaged in the service). -#}
    {%- set services = [
        ('therapy', 'therapy_sessions_attended', 'missed_therapy_sessions', 'therapy_sessions_attended > 0'),
        ('group_therapy', 'group_sessions_attended', 'missed_group_sessions', 'group_sessions_attended > 0'),
        ('assessment', 'assessments_attended', 'missed_assessments', 'assessments_attended > 0'),
        ('triage', 'triage_calls_attended', 'missed_triage_calls', 'triage_calls_attended > 0'),
        ('icbt', 'icbt_modules_started', 'cast(null as integer)', 'has_icbt_activity'),
    ] %}
    {%- for service, units, missed, engaged in services %}

    select
        customer_id,
        activity_month,
        as_of_date,
        is_as_of_month,
        is_billable,
        has_open_findings,
        '{{ service }}' as service,
        {{ units }} as units,
        {{ missed }} as missed_sessions,
        {{ engaged }} as is_service_engaged
    from activity
    {% if not loop.last %}
    union all
    {% endif %}
    {%- endfor %}

),

with_activity as (

    select *
    from service_activity
    where
        is_service_engaged
        or missed_sessions > 0

),

billable as (

    select
        *,
        (is_billable and is_service_engaged) as is_billable_in_service
    from with_activity

),

monthly as (

    select
        activity_month as invoice_month,
        service,
        as_of_date,
        is_as_of_month,
        cast(count(distinct case when is_billable_in_service then customer_id end) as integer) as billable_customers,
        cast(sum(case when is_billable_in_service then units else 0 end) as integer) as billable_units,
        cast(sum(missed_sessions) as integer) as missed_sessions,
        cast(count(distinct case when is_billable_in_service and has_open_findings then customer_id end) as integer)
            as billable_customers_with_findings,
        cast(sum(case when is_billable_in_service and has_open_findings then units else 0 end) as integer)
            as billable_units_with_findings
    from billable
    group by
        activity_month,
        service,
        as_of_date,
        is_as_of_month

),

final as (

    select
        invoice_month,
        service,
        as_of_date,
        is_as_of_month,
        billable_customers,
        billable_units,
        missed_sessions,
        billable_customers_with_findings,
        billable_units_with_findings
    from monthly

)

select * from final
