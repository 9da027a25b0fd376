{#-
    No invented rows: every row of fct_customer_monthly_activity has activity
    in its month, every row of rpt_invoice_monthly has billable units,
    billable customers or missed sessions, every invoice month is a month with
    customer activity, and no month lies after the as-of month.
-#}
{{ config(severity='error', tags=['invoicing']) }}

with

customer_months as (

    select *
    from {{ ref('fct_customer_monthly_activity') }}

),

invoice_rows as (

    select *
    from {{ ref('rpt_invoice_monthly') }}

),

as_of_month as (

    select cast({{ dbt.date_trunc('month', as_of_date()) }} as date) as as_of_month

),

customer_month_without_activity as (

    select
        'fct_customer_monthly_activity' as model_name,
        activity_month,
        'no activity in the month' as problem
    from customer_months
    where
        attended_appointments = 0
        and missed_appointments = 0
        and icbt_modules_started = 0
        and icbt_modules_completed = 0
        and not has_icbt_activity

),

invoice_row_without_activity as (

    select
        'rpt_invoice_monthly' as model_name,
        invoice_month as activity_month,
        'no units, customers or missed sessions' as problem
    from invoice_rows
    where
        billable_customers = 0
        and billable_units = 0
        and coalesce(missed_sessions, 0) = 0

),

invoice_month_without_customer_activity as (

    select
        'rpt_invoice_monthly' as model_name,
        invoice_rows.invoice_month as activity_month,
        'month without customer activity' as problem
    from invoice_rows
    left join customer_months
        on invoice_rows.invoice_month = customer_months.activity_month
    where customer_months.activity_month is null

),

after_as_of_month as (

    select
        'fct_customer_monthly_activity' as model_name,
        customer_months.activity_month,
        'month after the as-of month' as problem
    from customer_months
    cross join as_of_month
    where customer_months.activity_month > as_of_month.as_of_month

    union all

    select
        'rpt_invoice_monthly' as model_name,
        invoice_rows.invoice_month as activity_month,
        'month after the as-of month' as problem
    from invoice_rows
    cross join as_of_month
    where invoice_rows.invoice_month > as_of_month.as_of_month

)

select * from customer_month_without_activity
union all
select * from invoice_row_without_activity
union all
select * from invoice_month_without_customer_activity
union all
select * from after_as_of_month
