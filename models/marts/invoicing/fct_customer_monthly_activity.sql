{#-
    One row per customer and calendar month with any activity, up to the as-of
    month: int_customer_monthly_service_activity pivoted, with the customer's
    state as of D (groups, status, test_like, excluded groups, open findings).
    The per-service columns are the contract's: each one's `meta.pivot` in
    _invoicing__models.yml names its service and measure, so no service is
    listed here. See _invoicing__models.yml.
-#}

with

service_activity as (

    select * from {{ ref('int_customer_monthly_service_activity') }}

),

customers as (

    select
        customer_id,
        status as customer_status
    from {{ ref('stg_juvonno__customers') }}
    where not is_deleted

),

audit as (

    select
        customer_id,
        group_names,
        is_test_like
    from {{ ref('patient_group_audit') }}

),

excluded_groups as (

    select lower(trim(group_name)) as group_key
    from {{ ref('invoice_excluded_groups') }}

),

excluded_customers as (

    select distinct customer_groups.customer_id
    from {{ ref('stg_juvonno__customer_groups') }} as customer_groups
    inner join excluded_groups
        on lower(trim(customer_groups.group_name)) = excluded_groups.group_key

),

findings as (

    select
        customer_id,
        cast(count(*) as integer) as open_findings
    from {{ ref('sop_violations') }}
    group by customer_id

),

customer_months as (

    select
        customer_id,
        activity_month,
        {%- for column in model.columns.values() if column.config.meta.pivot %}
        {%- set pivot = column.config.meta.pivot %}
        {%- if pivot.sum %}
        cast(sum(case when service = '{{ pivot.service }}' then {{ pivot.sum }} else 0 end) as integer)
            as {{ column.name }},
        {%- else %}
        max(case when service = '{{ pivot.service }}' and {{ pivot.any }} then 1 else 0 end) = 1
            as {{ column.name }},
        {%- endif %}
        {%- endfor %}
        cast(sum(attended_sessions) as integer) as attended_appointments,
        cast(sum(coalesce(missed_sessions, 0)) as integer) as missed_appointments,
        max(case when is_service_engaged then 1 else 0 end) = 1 as engaged_in_month
    from service_activity
    group by
        customer_id,
        activity_month

),

flagged as (

    select
        customer_months.*,
        customers.customer_status,
        audit.group_names,
        audit.is_test_like,
        excluded_customers.customer_id is not null as is_in_excluded_group,
        coalesce(findings.open_findings, 0) as open_findings
    from customer_months
    inner join customers
        on customer_months.customer_id = customers.customer_id
    inner join audit
        on customer_months.customer_id = audit.customer_id
    left join excluded_customers
        on customer_months.customer_id = excluded_customers.customer_id
    left join findings
        on customer_months.customer_id = findings.customer_id

),

final as (

    select
        customer_id,
        activity_month,
        {{ as_of_date() }} as as_of_date,
        activity_month = cast({{ dbt.date_trunc('month', as_of_date()) }} as date) as is_as_of_month,
        therapy_sessions_attended,
        group_sessions_attended,
        assessments_attended,
        triage_calls_attended,
        attended_appointments,
        missed_therapy_sessions,
        missed_group_sessions,
        missed_assessments,
        missed_triage_calls,
        missed_appointments,
        icbt_modules_started,
        icbt_modules_completed,
        has_icbt_activity,
        engaged_in_month,
        group_names,
        customer_status,
        is_test_like,
        is_in_excluded_group,
        (engaged_in_month and not is_test_like and not is_in_excluded_group) as is_billable,
        open_findings > 0 as has_open_findings,
        open_findings
    from flagged

)

select * from final
