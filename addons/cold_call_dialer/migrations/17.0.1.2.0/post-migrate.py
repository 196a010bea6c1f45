def migrate(cr, version):
    """Calls logged before 17.0.1.2.0 did not record whether they created their opportunity: the
    call that did is the one logged in the transaction that created it (same create_date)."""
    cr.execute(
        """
        UPDATE cold_call_log log
           SET opportunity_created = TRUE
          FROM crm_lead lead
         WHERE lead.id = log.opportunity_id
           AND lead.create_date = log.create_date
        """
    )
