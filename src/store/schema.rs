// The tables as diesel sees them; kept by hand in step with both migration
// folders (column order matters: rows load by position).

diesel::table! {
    instance (id) {
        id -> BigInt,
        domain -> Text,
        local -> Bool,
        software -> Nullable<Text>,
        policy -> Text,
        reject_media -> Bool,
        vote_weight -> Double,
        failures -> Integer,
        last_seen_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        public_key -> Nullable<Text>,
        private_key -> Nullable<Text>,
        failing_since -> Nullable<Timestamp>,
        dead -> Bool,
        next_probe_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    local_name (name) {
        name -> Text,
        kind -> Text,
    }
}

diesel::table! {
    person (id) {
        id -> BigInt,
        ap_id -> Text,
        name -> Text,
        display_name -> Nullable<Text>,
        bio_source -> Nullable<Text>,
        bio_html -> Nullable<Text>,
        local -> Bool,
        instance_id -> BigInt,
        inbox_url -> Text,
        shared_inbox_url -> Nullable<Text>,
        public_key -> Text,
        private_key -> Nullable<Text>,
        bot -> Bool,
        deleted -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        banned -> Bool,
    }
}

diesel::table! {
    local_user (id) {
        id -> BigInt,
        person_id -> BigInt,
        password_hash -> Text,
        email -> Nullable<Text>,
        role -> Text,
        state -> Text,
        created_at -> Timestamp,
        accepted_terms -> Nullable<BigInt>,
        external_id -> Nullable<Text>,
    }
}

diesel::table! {
    webhook (id) {
        id -> BigInt,
        url -> Text,
        secret -> Text,
        kinds -> Text,
        description -> Text,
        enabled -> Bool,
        disabled_reason -> Nullable<Text>,
        failures -> Integer,
        enabled_at -> Timestamp,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    webhook_delivery (id) {
        id -> BigInt,
        webhook_id -> BigInt,
        message_id -> Text,
        kind -> Text,
        payload -> Text,
        state -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        last_status -> Nullable<Integer>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        delivered_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    auth_token (id) {
        id -> BigInt,
        local_user_id -> BigInt,
        token_hash -> Text,
        created_at -> Timestamp,
        last_used_at -> Timestamp,
        revoked -> Bool,
        kind -> Text,
        user_agent -> Nullable<Text>,
    }
}

diesel::table! {
    branding (id) {
        id -> BigInt,
        site_name -> Text,
        logo_url -> Nullable<Text>,
        accent_colour -> Nullable<Text>,
        introduction -> Text,
        footer_links -> Text,
        custom_css -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    grp (id) {
        id -> BigInt,
        ap_id -> Text,
        name -> Text,
        title -> Text,
        description_source -> Nullable<Text>,
        description_html -> Nullable<Text>,
        kind -> Text,
        join_policy -> Text,
        posting_restricted_to_mods -> Bool,
        local -> Bool,
        instance_id -> BigInt,
        inbox_url -> Text,
        shared_inbox_url -> Nullable<Text>,
        followers_url -> Text,
        moderators_url -> Nullable<Text>,
        featured_url -> Nullable<Text>,
        outbox_url -> Nullable<Text>,
        public_key -> Text,
        private_key -> Nullable<Text>,
        member_count -> BigInt,
        post_count -> BigInt,
        deleted -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        rules_source -> Nullable<Text>,
        rules_html -> Nullable<Text>,
    }
}

diesel::table! {
    membership (id) {
        id -> BigInt,
        person_id -> BigInt,
        group_id -> BigInt,
        state -> Text,
        role -> Text,
        follow_ap_id -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        banned_until -> Nullable<Timestamp>,
        ban_reason -> Nullable<Text>,
    }
}

diesel::table! {
    follow (id) {
        id -> BigInt,
        follower_id -> BigInt,
        followee_id -> BigInt,
        state -> Text,
        ap_id -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    post (id) {
        id -> BigInt,
        ap_id -> Text,
        group_id -> BigInt,
        author_id -> BigInt,
        kind -> Text,
        title -> Text,
        body_source -> Text,
        body_html -> Text,
        local -> Bool,
        score -> BigInt,
        upvotes -> BigInt,
        downvotes -> BigInt,
        comment_count -> BigInt,
        hot_rank -> Double,
        removed -> Bool,
        deleted -> Bool,
        locked -> Bool,
        pinned -> Bool,
        created_at -> Timestamp,
        updated_at -> Nullable<Timestamp>,
        last_activity_at -> Timestamp,
        held -> Bool,
        accepted_comment_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    comment (id) {
        id -> BigInt,
        ap_id -> Text,
        post_id -> BigInt,
        parent_id -> Nullable<BigInt>,
        author_id -> BigInt,
        depth -> Integer,
        body_source -> Text,
        body_html -> Text,
        local -> Bool,
        score -> BigInt,
        upvotes -> BigInt,
        downvotes -> BigInt,
        removed -> Bool,
        deleted -> Bool,
        created_at -> Timestamp,
        updated_at -> Nullable<Timestamp>,
        held -> Bool,
    }
}

diesel::table! {
    vote (id) {
        id -> BigInt,
        person_id -> BigInt,
        post_id -> Nullable<BigInt>,
        comment_id -> Nullable<BigInt>,
        value -> Integer,
        ap_id -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    activity (id) {
        id -> BigInt,
        ap_id -> Text,
        kind -> Text,
        local -> Bool,
        data -> Text,
        created_at -> Timestamp,
        actor_ap_id -> Nullable<Text>,
    }
}

diesel::table! {
    delivery (id) {
        id -> BigInt,
        activity_id -> BigInt,
        inbox_url -> Text,
        signer_ap_id -> Text,
        state -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    watched_word (id) {
        id -> BigInt,
        group_id -> Nullable<BigInt>,
        word -> Text,
        action -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    terms (version) {
        version -> BigInt,
        body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    setting (key) {
        key -> Text,
        value -> Text,
    }
}

diesel::table! {
    report (id) {
        id -> BigInt,
        ap_id -> Nullable<Text>,
        reporter_id -> Nullable<BigInt>,
        origin_instance_id -> BigInt,
        post_id -> Nullable<BigInt>,
        comment_id -> Nullable<BigInt>,
        person_id -> BigInt,
        group_id -> Nullable<BigInt>,
        reason -> Text,
        state -> Text,
        resolution -> Nullable<Text>,
        resolved_by -> Nullable<BigInt>,
        forwarded -> Bool,
        created_at -> Timestamp,
        resolved_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    report_forward (id) {
        id -> BigInt,
        report_id -> BigInt,
        activity_ap_id -> Text,
        inbox_url -> Text,
        state -> Text,
        error -> Nullable<Text>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    mod_action (id) {
        id -> BigInt,
        action -> Text,
        moderator_id -> Nullable<BigInt>,
        group_id -> Nullable<BigInt>,
        post_id -> Nullable<BigInt>,
        comment_id -> Nullable<BigInt>,
        person_id -> Nullable<BigInt>,
        reason -> Nullable<Text>,
        expires_at -> Nullable<Timestamp>,
        remote -> Bool,
        admin_only -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    reputation_event (id) {
        id -> BigInt,
        person_id -> BigInt,
        amount -> BigInt,
        raw_amount -> BigInt,
        reason -> Text,
        actor_id -> Nullable<BigInt>,
        post_id -> Nullable<BigInt>,
        comment_id -> Nullable<BigInt>,
        group_id -> Nullable<BigInt>,
        origin_instance_id -> BigInt,
        reversed_at -> Nullable<Timestamp>,
        reversal -> Nullable<Text>,
        created_at -> Timestamp,
    }
}
diesel::table! {
    reputation (person_id) {
        person_id -> BigInt,
        points -> BigInt,
        solutions -> BigInt,
        upvotes -> BigInt,
        rank -> Text,
        updated_at -> Timestamp,
    }
}
diesel::table! {
    badge (id) {
        id -> BigInt,
        person_id -> BigInt,
        name -> Text,
        awarded_at -> Timestamp,
    }
}
diesel::table! {
    event (id) {
        id -> BigInt,
        tx -> BigInt,
        kind -> Text,
        actor_id -> Nullable<BigInt>,
        group_id -> Nullable<BigInt>,
        post_id -> Nullable<BigInt>,
        comment_id -> Nullable<BigInt>,
        person_id -> Nullable<BigInt>,
        activity_ap_id -> Nullable<Text>,
        payload -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    event_consumer (name) {
        name -> Text,
        position_tx -> BigInt,
        position_id -> BigInt,
        failures -> Integer,
        last_error -> Nullable<Text>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    notification (id) {
        id -> BigInt,
        person_id -> BigInt,
        kind -> Text,
        event_id -> BigInt,
        actor_id -> Nullable<BigInt>,
        group_id -> Nullable<BigInt>,
        post_id -> Nullable<BigInt>,
        comment_id -> Nullable<BigInt>,
        payload -> Text,
        read_at -> Nullable<Timestamp>,
        emailed_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    notification_preference (person_id, kind) {
        person_id -> BigInt,
        kind -> Text,
        delivery -> Text,
    }
}

diesel::table! {
    person_block (blocker_id, blocked_id) {
        blocker_id -> BigInt,
        blocked_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    mail (id) {
        id -> BigInt,
        local_user_id -> BigInt,
        to_address -> Text,
        subject -> Text,
        text_body -> Text,
        html_body -> Nullable<Text>,
        unsubscribe_url -> Text,
        state -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    mail_token (id) {
        id -> BigInt,
        token_hash -> Text,
        local_user_id -> BigInt,
        purpose -> Text,
        scope -> Text,
        expires_at -> Nullable<Timestamp>,
        used_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    mail_account (local_user_id) {
        local_user_id -> BigInt,
        verified_email -> Nullable<Text>,
        frequency -> Text,
        digest_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(person -> instance (instance_id));
diesel::joinable!(reputation -> person (person_id));
diesel::joinable!(local_user -> person (person_id));
diesel::joinable!(auth_token -> local_user (local_user_id));
diesel::joinable!(webhook_delivery -> webhook (webhook_id));
diesel::joinable!(grp -> instance (instance_id));
diesel::joinable!(membership -> grp (group_id));
diesel::joinable!(membership -> person (person_id));
diesel::joinable!(post -> grp (group_id));
diesel::joinable!(post -> person (author_id));
diesel::joinable!(comment -> post (post_id));
diesel::joinable!(comment -> person (author_id));
diesel::joinable!(delivery -> activity (activity_id));
diesel::joinable!(report -> grp (group_id));
diesel::joinable!(mod_action -> grp (group_id));

diesel::joinable!(article -> post (post_id));
diesel::joinable!(feed_token -> person (person_id));
diesel::joinable!(question_escalation -> post (post_id));
diesel::allow_tables_to_appear_in_same_query!(
    instance,
    local_name,
    person,
    local_user,
    auth_token,
    grp,
    membership,
    follow,
    post,
    comment,
    vote,
    activity,
    delivery,
    report,
    mod_action,
    reputation_event,
    reputation,
    badge,
    event,
    event_consumer,
    notification,
    notification_preference,
    person_block,
    mail,
    mail_token,
    mail_account,
    webhook,
    webhook_delivery,
    idea,
    idea_status_change,
    article,
    feed_token,
    response_target,
    question_escalation,
    influence_score,
);

diesel::table! {
    idea (post_id) {
        post_id -> BigInt,
        group_id -> BigInt,
        status -> Text,
        response -> Nullable<Text>,
        duplicate_of_id -> Nullable<BigInt>,
        changed_by -> Nullable<BigInt>,
        changed_at -> Timestamp,
    }
}

diesel::table! {
    idea_status_change (id) {
        id -> BigInt,
        post_id -> BigInt,
        status -> Text,
        response -> Nullable<Text>,
        duplicate_of_id -> Nullable<BigInt>,
        changed_by -> Nullable<BigInt>,
        changed_at -> Timestamp,
    }
}

diesel::table! {
    article (post_id) {
        post_id -> BigInt,
        summary -> Text,
        cover_url -> Nullable<Text>,
        tags -> Text,
        state -> Text,
        publish_at -> Nullable<Timestamp>,
        published_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    feed_token (id) {
        id -> BigInt,
        person_id -> BigInt,
        token_hash -> Text,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    media (id) {
        id -> BigInt,
        owner_id -> BigInt,
        local -> Bool,
        file_key -> Nullable<Text>,
        thumb_key -> Nullable<Text>,
        remote_url -> Nullable<Text>,
        media_type -> Text,
        width -> Integer,
        height -> Integer,
        byte_size -> BigInt,
        blurhash -> Nullable<Text>,
        alt -> Text,
        post_id -> Nullable<BigInt>,
        comment_id -> Nullable<BigInt>,
        group_id -> Nullable<BigInt>,
        position -> Integer,
        created_at -> Timestamp,
        attached_at -> Nullable<Timestamp>,
    }
}

diesel::allow_tables_to_appear_in_same_query!(media, post);
diesel::allow_tables_to_appear_in_same_query!(media, grp);
diesel::allow_tables_to_appear_in_same_query!(media, comment);

diesel::table! {
    response_target (group_id) {
        group_id -> BigInt,
        escalates -> Bool,
        first_secs -> Nullable<BigInt>,
        second_secs -> Nullable<BigInt>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    question_escalation (post_id) {
        post_id -> BigInt,
        group_id -> BigInt,
        author_id -> BigInt,
        asked_at -> Timestamp,
        state -> Text,
        first_reply_at -> Nullable<Timestamp>,
        accepted_at -> Nullable<Timestamp>,
        escalated_at -> Nullable<Timestamp>,
        admins_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    influence_score (id) {
        id -> BigInt,
        computed_at -> Timestamp,
        group_id -> Nullable<BigInt>,
        person_id -> BigInt,
        score -> Double,
        place -> Integer,
        reasons -> Text,
    }
}

diesel::table! {
    api_token (id) {
        id -> BigInt,
        name -> Text,
        token_hash -> Text,
        created_by -> BigInt,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        expires_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    api_token_scope (token_id, scope) {
        token_id -> BigInt,
        scope -> Text,
    }
}

diesel::joinable!(api_token_scope -> api_token (token_id));
diesel::allow_tables_to_appear_in_same_query!(api_token, api_token_scope);

diesel::table! {
    analytics_day (group_id, day) {
        group_id -> BigInt,
        day -> BigInt,
        new_members -> BigInt,
        threads -> BigInt,
        comments -> BigInt,
        votes -> BigInt,
        questions -> BigInt,
    }
}

diesel::table! {
    analytics_activity (group_id, day, person_id) {
        group_id -> BigInt,
        day -> BigInt,
        person_id -> BigInt,
        instance_id -> BigInt,
        threads -> BigInt,
        comments -> BigInt,
        votes -> BigInt,
    }
}

diesel::table! {
    album (id) {
        id -> BigInt,
        group_id -> BigInt,
        owner_id -> BigInt,
        title -> Text,
        description -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    album_media (album_id, media_id) {
        album_id -> BigInt,
        media_id -> BigInt,
        position -> Integer,
        added_at -> Timestamp,
    }
}

diesel::joinable!(album_media -> album (album_id));
diesel::joinable!(album_media -> media (media_id));
diesel::allow_tables_to_appear_in_same_query!(album, album_media);
diesel::allow_tables_to_appear_in_same_query!(album_media, media);
diesel::allow_tables_to_appear_in_same_query!(album, media);
diesel::allow_tables_to_appear_in_same_query!(album_media, post);
diesel::allow_tables_to_appear_in_same_query!(album_media, comment);
diesel::allow_tables_to_appear_in_same_query!(album_media, article);
diesel::allow_tables_to_appear_in_same_query!(media, article);

diesel::table! {
    oauth_app (id) {
        id -> BigInt,
        client_id -> Text,
        secret_hash -> Text,
        name -> Text,
        website -> Nullable<Text>,
        redirect_uris -> Text,
        scopes -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    oauth_code (id) {
        id -> BigInt,
        app_id -> BigInt,
        local_user_id -> BigInt,
        code_hash -> Text,
        redirect_uri -> Text,
        scopes -> Text,
        code_challenge -> Nullable<Text>,
        created_at -> Timestamp,
        used -> Bool,
    }
}

diesel::table! {
    oauth_token (id) {
        id -> BigInt,
        app_id -> BigInt,
        local_user_id -> Nullable<BigInt>,
        token_hash -> Text,
        scopes -> Text,
        created_at -> Timestamp,
        last_used_at -> Timestamp,
        revoked -> Bool,
    }
}

diesel::table! {
    status_idempotency (id) {
        id -> BigInt,
        local_user_id -> BigInt,
        idempotency_key -> Text,
        status_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(oauth_code -> oauth_app (app_id));
diesel::joinable!(oauth_token -> oauth_app (app_id));
diesel::joinable!(oauth_token -> local_user (local_user_id));
diesel::allow_tables_to_appear_in_same_query!(oauth_app, oauth_code, oauth_token);
diesel::allow_tables_to_appear_in_same_query!(oauth_app, local_user);
diesel::allow_tables_to_appear_in_same_query!(oauth_app, person);
diesel::allow_tables_to_appear_in_same_query!(oauth_code, local_user);
diesel::allow_tables_to_appear_in_same_query!(oauth_token, local_user);
diesel::allow_tables_to_appear_in_same_query!(oauth_token, person);
